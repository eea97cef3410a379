import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export type ProcessRole = "web" | "worker" | "all-in-one";

/**
 * A Firebreak process started the way the Procfile starts it, so a test can kill it with SIGKILL or stop it
 * with SIGTERM. Its JSON log lines are kept for assertions.
 */
export class FirebreakProcess {
  readonly logs: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  private exited?: Promise<number | null>;

  private constructor(
    readonly role: ProcessRole,
    readonly child: ChildProcess,
  ) {}

  static async start(role: ProcessRole, env: Record<string, string>): Promise<FirebreakProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", `src/main/${role}.ts`], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const p = new FirebreakProcess(role, child);
    p.exited = new Promise((resolveExit) => child.once("exit", (code) => resolveExit(code)));
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        try {
          p.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // Not a log line (the playground banner).
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => p.stderr.push(chunk.toString()));
    await p.waitForLog((l) => l.msg === "Firebreak started", 30_000);
    return p;
  }

  async waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (this.child.exitCode !== null) {
        throw new Error(`${this.role} exited (${this.child.exitCode}): ${this.stderr.join("")}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.role}: no matching log line in ${timeoutMs} ms; stderr: ${this.stderr.join("")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Kills it as a crash would: no shutdown code runs. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Asks it to stop (SIGTERM) and resolves with its exit code. */
  async terminate(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill("SIGTERM");
    return (await this.exited) ?? null;
  }
}
