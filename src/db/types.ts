import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable } from 'kysely';

/** A person's title, free text ("CRO", "RVP West", "SDR"); the four words of the first charts (ceo, president, manager, rep) are titles too. */
export type Role = string;

/** A timestamp column: written as a Date, read as a Date. */
type Timestamp = ColumnType<Date, Date | undefined, Date>;

interface WorkspaceTable {
  team_id: string;
  name: string;
  core_value: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  flags_checked_at: Date | null;
  /** When the app was removed from the workspace (its data goes PURGE_AFTER_DAYS later); null: installed. */
  uninstalled_at: Generated<Date | null>;
  /** When planning next has work (the UTC date turns); null: at the next tick. */
  plan_due_at: Date | null;
  /** Changes to what planning reads (people, cadences), counted by triggers. */
  plan_epoch: Generated<number>;
  /** The count the last planning saw. */
  planned_epoch: number | null;
  /** The earliest window closing not yet handled; null: at the next tick. */
  close_due_at: Date | null;
  /** Working hours (days 0 = Sunday … 6; HH:MM in each person's zone): nothing is sent outside them. */
  work_days: Generated<number[]>;
  work_start: Generated<string>;
  work_end: Generated<string>;
}

interface PersonTable {
  team_id: string;
  slack_user_id: string;
  name: string;
  email: string | null;
  /** Their title, free text: where they stand is their place in the reporting tree, not this word. */
  role: Role;
  is_admin: Generated<boolean>;
  reports_to: string | null;
  tz: Generated<string>;
  active: Generated<boolean>;
  /** False for people in the org outside the chain (RevOps, enablement): no check-ins, figures only. */
  in_chain: Generated<boolean>;
  /** A leader who asked for one DM per answer (`/cascade notify each-answer on`); the live round message otherwise. */
  notify_each_answer: Generated<boolean>;
  /** A calendar date (YYYY-MM-DD): out of office until and including this day; 9999-12-31 is "until further notice". */
  paused_until: string | null;
  profile_refreshed_at: Timestamp | null;
  /** Their Slack status as last read (event, refresh, import or a due prompt); expiration in Unix seconds, 0 never. */
  status_text: Generated<string | null>;
  status_emoji: Generated<string | null>;
  status_expiration: Generated<string | number | null>;
  status_read_at: Generated<Date | null>;
  /** Their own working hours (`/cascade hours`); null: the workspace's. */
  work_days: Generated<number[] | null>;
  work_start: Generated<string | null>;
  work_end: Generated<string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/**
 * The kind of relationship a cadence attaches to, by position in the chain: the top and their direct reports
 * (`ceo_president`), a leader of leaders and their reports (`president_managers`), a first-line leader and
 * their reports (`manager_reps`). The keys are the names of the four-level chart they began with. (Called `Level`
 * once; the columns that hold it are still `level`, as the CSV and the commands name it.)
 */
export type Relationship = 'ceo_president' | 'president_managers' | 'manager_reps';
export type Frequency = 'weekly' | 'biweekly' | 'monthly' | 'cron';
export type CheckinStatus = 'scheduled' | 'sent' | 'answered' | 'missed' | 'skipped';
export type DeliveryKind =
  | 'prompt'
  | 'reminder'
  | 'team_reminder'
  | 'update'
  | 'team_update'
  | 'brief'
  | 'team_post'
  | 'share'
  | 'digest'
  | 'round_live'
  | 'round_live_update'
  | 'answer_note'
  | 'reply'
  | 'held_note'
  | 'reply_update'
  | 'pack'
  | 'welcome';
type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

interface CadenceTable {
  id: Generated<number>;
  team_id: string;
  key: string;
  level: Relationship;
  name: string;
  frequency: Frequency;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Monthly only: 1–4 for the first to fourth weekday of the month, -1 for the last. */
  nth: number | null;
  /** Frequency `cron` only: a five-field cron expression, read in each member's own time zone. */
  cron: string | null;
  /** HH:MM in each member's own time zone. */
  local_time: string;
  mode: 'individual' | 'team';
  channel_id: string | null;
  answer_window_days: Generated<number>;
  reminder: Generated<boolean>;
  /** Biweekly cadences fall on weeks an even number of weeks from this date. */
  anchor_date: string;
  /** The leader answers reflection questions of their own in the same round (the CEO). */
  leader_reflects: Generated<boolean>;
  active: Generated<boolean>;
  /** An override: the key of the cadence it replaces, for one leader (`for_leader`) or one tree level (`for_level`, 1 = the top). */
  overrides: Generated<string | null>;
  for_leader: Generated<string | null>;
  for_level: Generated<number | null>;
  /** When its schedule last changed: no round is planned for an occurrence dated before it. */
  changed_at: Generated<Date | null>;
  /** An override reset: no longer followed, its rounds kept. */
  retired_at: Generated<Date | null>;
  created_at: Generated<Date>;
}

interface RoundTable {
  id: Generated<number>;
  team_id: string;
  cadence_id: number;
  leader_id: string;
  /** The leader's depth in the tree when the round was planned (0 = the top); null on rows written without it. */
  depth: Generated<number | null>;
  occurrence: string;
  status: Generated<'open' | 'closed'>;
  closes_at: Date | null;
  closed_at: Date | null;
  /** Team rounds: the channel message whose thread holds the round. */
  channel_id: string | null;
  thread_ts: string | null;
  /** The leader's live message for the round (a DM), edited in place as members answer. */
  live_channel: Generated<string | null>;
  live_ts: Generated<string | null>;
  created_at: Generated<Date>;
}

interface CheckinTable {
  id: Generated<number>;
  team_id: string;
  round_id: number;
  person_id: string;
  part: Generated<'member' | 'leader'>;
  status: CheckinStatus;
  skip_reason: string | null;
  due_at: Date;
  closes_at: Date;
  snoozed_until: Date | null;
  answered_at: Date | null;
  reminded_at: Date | null;
  channel_id: string | null;
  message_ts: string | null;
  /** The questions asked when the answer window first opened; editing shows the same ones. */
  question_ids: Generated<number[] | null>;
  /** The 1:1 this check-in prepared, marked held by the leader, with a note the member sees and one only the chain above sees. */
  held_at: Generated<Date | null>;
  held_by: Generated<string | null>;
  shared_note: Generated<string | null>;
  private_note: Generated<string | null>;
  /** Who may read the private note: its author and the chain above them when it was written. */
  private_note_readers: Generated<string[] | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface DeliveryTable {
  id: Generated<number>;
  team_id: string;
  kind: DeliveryKind;
  dedupe_key: string;
  checkin_id: number | null;
  round_id: number | null;
  recipient: string;
  status: Generated<DeliveryStatus>;
  not_before: Date;
  attempts: Generated<number>;
  claimed_at: Date | null;
  /** While `sending`: until when the claim holds; its worker renews it as the pass goes on. */
  lease_until: Generated<Date | null>;
  sent_at: Date | null;
  channel_id: string | null;
  ts: string | null;
  last_error: string | null;
  /** What the delivery is about, typed per kind (see src/outbox/vocabulary.ts). */
  payload: Generated<unknown>;
  /** Derived from the kind by the database: `update` edits a message in place, `post` sends one (outbox/pace.ts). */
  lane: GeneratedAlways<DeliveryLane>;
  created_at: Generated<Date>;
}

/** The Slack method family a delivery calls, each paced on its own: `chat.postMessage` and the rest, or `chat.update`. */
export type DeliveryLane = 'post' | 'update';

export type QuestionKind = 'text' | 'long_text' | 'rating_1_5' | 'number' | 'yes_no' | 'choice' | 'commitment';

interface QuestionTable {
  id: Generated<number>;
  team_id: string | null;
  text: string;
  kind: QuestionKind;
  intent: string;
  levels: string[];
  audience: Generated<'member' | 'leader'>;
  choices: string[] | null;
  required: Generated<boolean>;
  fixed: Generated<boolean>;
  position: Generated<number>;
  active: Generated<boolean>;
  /** A workspace's copy of a shipped question points at the original. */
  source_id: number | null;
  /** A number question whose answer is progress towards the person's goal of this name. */
  goal_name: Generated<string | null>;
  /** Asked only when this holds (`flags_piling`: the organisation has many open flags). */
  ask_when: Generated<'flags_piling' | null>;
  created_at: Generated<Date>;
}

export interface AnswerTable {
  id: Generated<number>;
  checkin_id: number;
  question_id: number | null;
  position: number;
  question_text: string;
  kind: string;
  intent: string;
  value_text: string | null;
  value_number: number | null;
  shared: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface SlackEventTable {
  event_id: string;
  team_id: string;
  received_at: Generated<Date>;
}

export type CommitmentStatus = 'open' | 'done' | 'partly' | 'missed' | 'dropped';

interface CommitmentTable {
  id: Generated<number>;
  team_id: string;
  owner_id: string;
  /** The leader it was made to; null for the top of the chain (a commitment to the organisation). */
  leader_id: string | null;
  text: string;
  due_date: string;
  status: Generated<CommitmentStatus>;
  source_checkin_id: number | null;
  /** How many times it slipped: carried past a check-in ("not yet"), or missed. */
  slips: Generated<number>;
  note: string | null;
  last_reviewed_checkin_id: number | null;
  escalated_at: Date | null;
  closed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type GoalPeriod = 'week' | 'month' | 'quarter';

interface GoalTable {
  id: Generated<number>;
  team_id: string;
  owner_id: string;
  scope: 'person' | 'team';
  name: string;
  unit: string;
  target: number;
  period: GoalPeriod;
  /** The CRM measure the goal follows (`crm:closed_won_amount` …); null: progress is reported by people. */
  source: Generated<CrmGoalSource | null>;
  created_by: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface ProgressTable {
  id: Generated<number>;
  team_id: string;
  person_id: string;
  goal_name: string;
  /** The period-to-date value as of `recorded_on` (the latest report in a period wins). */
  value: number;
  recorded_on: string;
  source: 'command' | 'checkin' | 'import' | 'crm';
  source_ref: string | null;
  created_at: Generated<Date>;
}

interface FlagTable {
  id: Generated<number>;
  team_id: string;
  person_id: string;
  rule: string;
  detail: string;
  /** `closed` by a leader (with their answer), `cleared` by Cascade when the rule no longer fires. */
  status: Generated<'open' | 'closed' | 'cleared'>;
  raised_at: Generated<Date>;
  org_factors: string | null;
  /** The factor the leader picked closing it (null for flags closed before factors were asked, and open or cleared ones). */
  org_factor: OrgFactor | null;
  closed_by: string | null;
  closed_at: Date | null;
  /** What changed, when Cascade cleared it: "answered on 14 Dec". */
  cleared_because: Generated<string | null>;
}

interface FlagRuleTable {
  team_id: string;
  key: string;
  active: Generated<boolean>;
  threshold: number;
}

export type DigestScope = 'team' | 'org' | 'exec';

interface DigestSettingTable {
  team_id: string;
  scope: DigestScope;
  /** The leader whose team a team digest covers; '' for the org and exec digests. */
  owner_id: Generated<string>;
  channel_id: string | null;
  frequency: Generated<'weekly' | 'monthly'>;
  weekday: Generated<number>;
  local_time: Generated<string>;
  updated_at: Generated<Date>;
  /** The next instant this digest falls due; null: worked out at the next tick. */
  next_due_at: Date | null;
}

interface ReplyTable {
  id: Generated<number>;
  team_id: string;
  checkin_id: number;
  author_id: string;
  /** A leader's reply or "Got it" (ack) on a check-in, or the member's one answer to a reply. */
  kind: 'reply' | 'ack' | 'answer';
  text: string | null;
  parent_id: number | null;
  created_at: Generated<Date>;
}

interface AgendaItemTable {
  id: Generated<number>;
  team_id: string;
  checkin_id: number;
  author_id: string;
  text: string;
  created_at: Generated<Date>;
  /** Ticked off: until then the topic carries over to the next 1:1 of the same two people. */
  done_at: Generated<Date | null>;
  done_by: Generated<string | null>;
}

/** A workspace's learned Slack pace (outbox/pace.ts). */
interface SlackPaceTable {
  team_id: string;
  lane: Generated<DeliveryLane>;
  per_minute: number;
  limited_at: Date | null;
  limited_per_minute: number | null;
  paused_until: Date | null;
  raised_at: Date | null;
  updated_at: Date;
}

interface HolidayTable {
  team_id: string;
  /** A calendar day (YYYY-MM-DD), in each person's own zone. */
  day: string;
  name: Generated<string>;
}

/** What a leader says could explain a flag, closing it: the six the monthly pack groups by, or none. */
export const ORG_FACTORS = ['territory', 'tooling', 'training', 'process', 'support', 'person', 'none'] as const;
export type OrgFactor = (typeof ORG_FACTORS)[number];

export type CrmProvider = 'hubspot' | 'salesforce';
export type CrmMeasure = 'closed_won_amount' | 'closed_won_count' | 'pipeline_created' | 'open_pipeline';
export type CrmGoalSource = `crm:${CrmMeasure}`;

interface CrmConnectionTable {
  team_id: string;
  provider: CrmProvider;
  /** The credentials, sealed (src/secrets.ts); null when they come from the environment. */
  secret: string | null;
  base_url: string | null;
  /** The CRM's own currency, for deals that carry none. */
  currency: string | null;
  /** Every deal modified before this instant has been read. */
  synced_to: Date | null;
  /** The window being read, up to this instant (null: none started). */
  window_end: Date | null;
  /** The last deal id read inside that window, to resume after. */
  window_after: string | null;
  /** The next sync reads everything and marks what the CRM no longer has as deleted. */
  full_pending: Generated<boolean>;
  lease_until: Date | null;
  synced_at: Date | null;
  last_error: string | null;
  api_used: number | null;
  api_limit: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface CrmOwnerTable {
  team_id: string;
  owner_id: string;
  email: string | null;
  name: Generated<string>;
}

interface CrmDealTable {
  team_id: string;
  deal_id: string;
  owner_id: string | null;
  amount: number | null;
  currency: string | null;
  created_on: string;
  closed_on: string | null;
  is_closed: boolean;
  is_won: boolean;
  modified_at: Date;
  deleted: Generated<boolean>;
  /** The end of the sync window that last read it: a full sync deletes what it did not read. */
  seen_in: Date | null;
}

/** An install by OAuth (src/slack/installations.ts): tokens sealed, keyed like the workspace's data. */
interface SlackInstallationTable {
  /** The workspace's id, or the enterprise's for an org-wide install. */
  team_id: string;
  enterprise_id: string | null;
  is_enterprise_install: Generated<boolean>;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string | null;
  scopes: Generated<string>;
  /** Sealed. */
  bot_token: string;
  /** Sealed; with token rotation only. */
  refresh_token: string | null;
  expires_at: Date | null;
  installer_user_id: string | null;
  /** When the installer was sent the first-run DM. */
  welcomed_at: Date | null;
  installed_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  slack_installation: SlackInstallationTable;
  crm_connection: CrmConnectionTable;
  crm_owner: CrmOwnerTable;
  crm_deal: CrmDealTable;
  slack_pace: SlackPaceTable;
  reply: ReplyTable;
  agenda_item: AgendaItemTable;
  digest_setting: DigestSettingTable;
  commitment: CommitmentTable;
  goal: GoalTable;
  progress: ProgressTable;
  flag: FlagTable;
  flag_rule: FlagRuleTable;
  slack_event: SlackEventTable;
  question: QuestionTable;
  answer: AnswerTable;
  workspace: WorkspaceTable;
  person: PersonTable;
  holiday: HolidayTable;
  cadence: CadenceTable;
  round: RoundTable;
  checkin: CheckinTable;
  delivery: DeliveryTable;
}

export type Cadence = Selectable<CadenceTable>;
export type Round = Selectable<RoundTable>;
export type Delivery = Selectable<DeliveryTable>;
export type Question = Selectable<QuestionTable>;
export type Answer = Selectable<AnswerTable>;

export type Workspace = Selectable<WorkspaceTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type Commitment = Selectable<CommitmentTable>;
export type Goal = Selectable<GoalTable>;
export type CrmConnection = Selectable<CrmConnectionTable>;
export type Flag = Selectable<FlagTable>;
export type Reply = Selectable<ReplyTable>;
