import { describe, expect, it } from "vitest";
import { webLink } from "../../handlers/web-links.js";

describe("webLink", () => {
  it.each([
    ["https://fb.example", "/metrics", undefined, "https://fb.example/metrics"],
    ["https://fb.example/", "/incidents/INC-4", "", "https://fb.example/incidents/INC-4"],
    [
      "https://fb.example",
      "/api/incidents",
      "a b&c=d",
      "https://fb.example/api/incidents?token=a%20b%26c%3Dd",
    ],
  ])("%s + %s with token %j is %s", (publicUrl, path, token, link) => {
    expect(webLink({ publicUrl }, path, token)).toBe(link);
  });
});
