/**
 * Runs `work` on every item, at most `atOnce` at a time, items started in order; resolves when all are done.
 * A `work` that throws rejects the whole (callers catch what they mean to survive).
 */
export async function eachAtOnce<T>(items: readonly T[], atOnce: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
}
