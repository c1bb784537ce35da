/** The command's name, as package.json `bin` installs it. */
export const PROGRAM = "tts-aws-iot";
