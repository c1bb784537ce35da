/** Walks an ASL document, nested Parallel branches included. */
import type { State, StateMachineDefinition } from "../../workflows/asl.ts";

export function allStates(definition: StateMachineDefinition): [string, State][] {
  return Object.entries(definition.States).flatMap(([name, state]): [string, State][] => [
    [name, state],
    ...(state.Type === "Parallel" ? state.Branches.flatMap(allStates) : []),
  ]);
}
