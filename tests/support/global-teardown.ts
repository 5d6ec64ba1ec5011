/**
 * Vitest 4.1 logs an error thrown by a global teardown ("error during close") and still exits 0; upstream fixed it
 * after 4.1 (vitest-dev/vitest#10794). Every global set-up in this project wraps the teardown it returns in this,
 * so a teardown that fails (a database that would not stop, say) fails the run.
 */
export function failRunIfThrows(teardown: () => unknown): () => Promise<void> {
  return async () => {
    try {
      await teardown();
    } catch (error) {
      process.exitCode = 1;
      throw error;
    }
  };
}
