/**
 * One outbox pass at a time in this process, however it is woken: by the periodic schedule, or at once when
 * someone's action queued a delivery (`LISTEN`/`NOTIFY`, outbox/vocabulary.ts). A wake that comes while a pass
 * runs is not lost: one more pass follows it, which also takes what every wake meanwhile queued.
 */
interface OutboxWorker {
  /** Runs a pass now, or once more after the one running; resolves when that pass is done. */
  wake(): Promise<void>;
}

export function outboxWorker(pass: () => Promise<void>, onError: (err: unknown) => void): OutboxWorker {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await pass();
      } catch (err) {
        onError(err);
      }
    } while (again);
  };
  return {
    wake() {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
