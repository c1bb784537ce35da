// asl-validator ships no types.
declare module "asl-validator" {
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: unknown[] };
  export default validator;
}
