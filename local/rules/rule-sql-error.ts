/** A rule's SQL is malformed or uses something outside the supported subset. */
export class RuleSqlError extends Error {
  override readonly name = "RuleSqlError";
  readonly line: number;
  readonly column: number;
  readonly detail: string;

  constructor(sql: string, offset: number, detail: string) {
    const { line, column } = positionOf(sql, offset);
    const where = sql.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
    super(`${detail} at ${where}`);
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

function positionOf(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}
