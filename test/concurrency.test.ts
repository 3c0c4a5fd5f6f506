import { eachAtOnce } from '../src/concurrency';

test('When work runs each at once, then every item is done once, never more than the limit at a time, started in order', async () => {
  const started: number[] = [];
  let running = 0;
  let most = 0;
  await eachAtOnce([0, 1, 2, 3, 4, 5, 6], 3, async (item, index) => {
    expect(item).toBe(index);
    started.push(item);
    running += 1;
    most = Math.max(most, running);
    await new Promise((r) => setImmediate(r));
    running -= 1;
  });
  expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(most).toBe(3);
  await eachAtOnce([], 3, async () => {
    throw new Error('never called');
  });
});
