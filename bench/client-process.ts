/** The bench's MQTT clients (bench/mqtt-clients.ts) in a child process of their own, driven one command at a time. */
import { fork } from "node:child_process";
import { join } from "node:path";
import type { ClientCommand, ClientReply } from "./mqtt-clients.ts";

export interface ClientProcess {
  send<Type extends ClientReply["type"]>(
    command: ClientCommand,
    type: Type,
  ): Promise<Extract<ClientReply, { type: Type }>>;
}

export function forkClients(): ClientProcess {
  const child = fork(join(import.meta.dirname, "mqtt-clients.ts"), [], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const replies: ClientReply[] = [];
  let wake: (() => void) | undefined;
  child.on("message", (reply: ClientReply) => {
    replies.push(reply);
    wake?.();
  });
  const exited = new Promise<never>((_, reject) =>
    child.on("exit", (code) => reject(new Error(`the bench clients exited (${code})`))),
  );
  exited.catch(() => undefined);
  return {
    async send(command, type) {
      child.send(command);
      for (;;) {
        const index = replies.findIndex((reply) => reply.type === type);
        if (index >= 0) return replies.splice(index, 1)[0] as never;
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
      }
    },
  };
}
