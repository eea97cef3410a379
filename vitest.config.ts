import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests share one Redis but each uses its own key prefix, so files can run in parallel.
    fileParallelism: true,
    pool: "forks",
  },
});
