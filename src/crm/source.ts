import type { CrmProvider } from '../db/types';

/** A CRM user who owns deals; matched to a person by email, never guessed. */
export interface CrmOwnerRecord {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
}

/** A deal as Cascade keeps it: in its own currency, dates as calendar days (UTC). */
export interface CrmDealRecord {
  readonly id: string;
  readonly ownerId: string | null;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly createdOn: string;
  /** The close date: when a closed deal closed (an open one's expected date is not kept). */
  readonly closedOn: string | null;
  readonly isClosed: boolean;
  readonly isWon: boolean;
  readonly modifiedAt: Date;
  /** Deleted in the CRM (Salesforce returns these with `queryAll`; HubSpot lists them apart, as archived). */
  readonly deleted: boolean;
}

/**
 * What the sync reads from a CRM, whichever it is. Every method pages: the sync writes each page and its place
 * before it asks for the next, so that a sync stopped anywhere resumes where it was and counts nothing twice.
 */
export interface CrmSource {
  readonly provider: CrmProvider;
  /** The CRM's own currency, for deals that carry none (a CRM with one currency). */
  currency(): Promise<string | null>;
  owners(): AsyncIterable<readonly CrmOwnerRecord[]>;
  /** Deals last modified in [from, to) (from null: since ever), in rising id order, after the id `after`. */
  modified(from: Date | null, to: Date, after: string | null): AsyncIterable<readonly CrmDealRecord[]>;
  /** Ids of deals deleted in the CRM that `modified` does not return (HubSpot's archived deals). */
  deletedIds(): AsyncIterable<readonly string[]>;
  /** The API allowance as the CRM last reported it (Salesforce's `Sforce-Limit-Info`), if it reports one. */
  usage(): { used: number; limit: number } | null;
}

/** The sync ran out of its API allowance, or the CRM refused it: it stops, keeps its place and says why. */
export class CrmStop extends Error {}

/** An instant as a CRM writes it (epoch milliseconds, or ISO 8601), in milliseconds; NaN when it is neither. */
export const epochMsOf = (value: string): number => (/^\d+$/.test(value) ? Number(value) : Date.parse(value));

/** A day as the CRM means it: the UTC date of an instant, or a date already. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const t = epochMsOf(value);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : null;
}

/** An amount as the CRM sends it (a string, a number, or nothing). */
export function amountOf(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
