import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { previousFigures, writeResultsSection } from "../../bench/results-file.ts";

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), "results-")), "results.md");
}

describe("bench/results.md sections", () => {
  it("writes a section with no previous figures the first time", () => {
    const file = tempFile();
    writeResultsSection({ title: "A", preface: "run 1", rows: [["throughput", "300/s"]] }, file);
    expect(previousFigures(readFileSync(file, "utf8")).get("throughput")).toBe("300/s");
    expect(readFileSync(file, "utf8")).toContain("| throughput | 300/s | —        |");
  });

  it("puts the previous run's figure beside the new one and keeps other sections", () => {
    const file = tempFile();
    writeResultsSection({ title: "A", preface: "run 1", rows: [["throughput", "300/s"]] }, file);
    writeResultsSection({ title: "B", preface: "other", rows: [["bundle", "40 KiB"]] }, file);
    writeResultsSection(
      {
        title: "A",
        preface: "run 2",
        rows: [
          ["throughput", "610/s"],
          ["new row", "1"],
        ],
      },
      file,
    );
    const text = readFileSync(file, "utf8");
    expect(text).toContain("| throughput | 610/s | 300/s    |");
    expect(text).toContain("| new row    | 1     | —        |");
    expect(text).toContain("## B");
    expect(text).toContain("| bundle  | 40 KiB | —        |");
    expect(text).not.toContain("run 1");
    expect(text.indexOf("## A")).toBeLessThan(text.indexOf("## B"));
  });

  it("finds the previous figure of an indented (sub-)row too", () => {
    const file = tempFile();
    writeResultsSection({ title: "A", preface: "run 1", rows: [["  CPU per uplink", "1.2 ms"]] }, file);
    writeResultsSection({ title: "A", preface: "run 2", rows: [["  CPU per uplink", "1.1 ms"]] }, file);
    expect(readFileSync(file, "utf8")).toContain("|   CPU per uplink | 1.1 ms | 1.2 ms   |");
  });

  it("reads figures of a two-column table written before the previous column existed", () => {
    const file = tempFile();
    writeFileSync(file, "# old\n\n## A\n\n| measure | value |\n| ------- | ----- |\n| p99 | 58 ms |\n");
    writeResultsSection({ title: "A", preface: "now", rows: [["p99", "20 ms"]] }, file);
    expect(readFileSync(file, "utf8")).toContain("| p99     | 20 ms | 58 ms    |");
  });
});
