/** What Cascade needs to know of a Slack user; the Slack adapter implements the lookups. */
export interface DirectoryUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  /** IANA time zone, e.g. Europe/Paris. */
  readonly tz: string;
  readonly deleted: boolean;
  readonly isBot: boolean;
  readonly statusText: string;
  readonly statusEmoji: string;
  /** Unix seconds when the status clears; 0 when it does not (absent when Slack did not say). */
  readonly statusExpiration?: number;
}

export interface Directory {
  /** Null when Slack knows no such user. */
  userById(id: string): Promise<DirectoryUser | null>;
  /** Null when no user of the workspace has that email. */
  userByEmail(email: string): Promise<DirectoryUser | null>;
  /**
   * One page of the workspace's users (`users.list`), from `cursor` (none: the first page); `next` is null after
   * the last page. Optional: a directory without it is read one person at a time.
   */
  listUsers?(cursor: string | null): Promise<DirectoryPage>;
}

export interface DirectoryPage {
  readonly users: DirectoryUser[];
  readonly next: string | null;
}
