import type { DeliveryKind } from '../db/types';

/**
 * What the scheduler reports as it works, for `/metrics`: each delivery's outcome, Slack's 429s, how late
 * prompts go out, and how long a tick takes. The composition root gives a Prometheus implementation; tests and
 * tools that do not care leave it out.
 */
export interface SchedulerMetrics {
  delivered(teamId: string, kind: DeliveryKind, outcome: 'sent' | 'cancelled' | 'retried' | 'failed'): void;
  rateLimited(teamId: string): void;
  /** Sent at minus due at, for a prompt. */
  promptLateness(seconds: number): void;
  tickDuration(seconds: number): void;
  /** A written summary (CASCADE_LLM_*): written or fallen back, and the tokens it used. */
  summary(outcome: 'written' | 'fallback', promptTokens: number, completionTokens: number): void;
}
