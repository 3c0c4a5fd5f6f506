import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'ceo' | 'president' | 'manager' | 'rep';

/** A timestamp column: written as a Date, read as a Date. */
type Timestamp = ColumnType<Date, Date | undefined, Date>;

export interface WorkspaceTable {
  team_id: string;
  name: string;
  core_value: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PersonTable {
  team_id: string;
  slack_user_id: string;
  name: string;
  email: string | null;
  role: Role;
  is_admin: Generated<boolean>;
  reports_to: string | null;
  tz: Generated<string>;
  active: Generated<boolean>;
  /** A calendar date (YYYY-MM-DD): out of office until and including this day. */
  paused_until: string | null;
  profile_refreshed_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  workspace: WorkspaceTable;
  person: PersonTable;
}

export type Workspace = Selectable<WorkspaceTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
