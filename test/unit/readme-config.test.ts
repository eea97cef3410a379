import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/config/file.js";

/** The README's config example is what newcomers copy first: it must load as it stands. */
describe("the README's config example", () => {
  it("loads without a problem", () => {
    const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## The config file"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const path = join(mkdtempSync(join(tmpdir(), "firebreak-readme-")), "firebreak.yml");
    writeFileSync(path, yaml as string);
    const settings = loadConfigFile(path);
    expect(settings.people.map((p) => p.id)).toEqual(["alice", "bob", "dana"]);
    expect(settings.policies[0]?.repeatLast).toBe(2);
  });
});
