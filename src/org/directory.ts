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
}
