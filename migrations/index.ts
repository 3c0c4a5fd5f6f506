import type { Migration } from 'kysely';
import * as foundation from './2026-11-27T0100-foundation';
import * as cascade from './2026-11-27T0300-cascade';
import * as questionBank from './2026-11-27T0310-question-bank';
import * as teamAndCron from './2026-11-27T0400-team-and-cron';
import * as accountability from './2026-11-27T0500-accountability';
import * as digests from './2026-11-27T0600-digests';
import * as roundOccurrence from './2026-11-27T0610-round-occurrence';
import * as askedQuestions from './2026-11-28T0100-asked-questions';
import * as deliveryPayload from './2026-11-28T0200-delivery-payload';
import * as chainOfAnyShape from './2026-11-28T0300-chain-of-any-shape';
import * as conversations from './2026-11-28T0400-conversations';
import * as storedStatus from './2026-11-28T0500-stored-status';
import * as slackPace from './2026-11-28T0600-slack-pace';
import * as dueInstants from './2026-11-28T0700-due-instants';
import * as paceLanes from './2026-11-28T0800-pace-lanes';
import * as checkinClosesIndex from './2026-12-04T0100-checkin-closes-index';
import * as privateNoteReaders from './2026-12-04T0200-private-note-readers';
import * as deliveryLease from './2026-12-04T0300-delivery-lease';
import * as flagsClear from './2026-12-04T0400-flags-clear';
import * as cadenceChanges from './2026-12-04T0500-cadence-changes';
import * as workingHours from './2026-12-04T0600-working-hours';
import * as bothSides from './2026-12-04T0700-both-sides';
import * as flagFactor from './2026-12-05T0100-flag-factor';
import * as monthlyPack from './2026-12-05T0200-monthly-pack';
import * as crm from './2026-12-06T0100-crm';
import * as dataLeaves from './2026-12-06T0200-data-leaves';
import * as installations from './2026-12-07T0100-installations';

/** Every migration, imported statically so the same list works under Jest, tsx and the built dist. */
export const migrations: Record<string, Migration> = {
  '2026-11-27T0100-foundation': foundation,
  '2026-11-27T0300-cascade': cascade,
  '2026-11-27T0310-question-bank': questionBank,
  '2026-11-27T0400-team-and-cron': teamAndCron,
  '2026-11-27T0500-accountability': accountability,
  '2026-11-27T0600-digests': digests,
  '2026-11-27T0610-round-occurrence': roundOccurrence,
  '2026-11-28T0100-asked-questions': askedQuestions,
  '2026-11-28T0200-delivery-payload': deliveryPayload,
  '2026-11-28T0300-chain-of-any-shape': chainOfAnyShape,
  '2026-11-28T0400-conversations': conversations,
  '2026-11-28T0500-stored-status': storedStatus,
  '2026-11-28T0600-slack-pace': slackPace,
  '2026-11-28T0700-due-instants': dueInstants,
  '2026-11-28T0800-pace-lanes': paceLanes,
  '2026-12-04T0100-checkin-closes-index': checkinClosesIndex,
  '2026-12-04T0200-private-note-readers': privateNoteReaders,
  '2026-12-04T0300-delivery-lease': deliveryLease,
  '2026-12-04T0400-flags-clear': flagsClear,
  '2026-12-04T0500-cadence-changes': cadenceChanges,
  '2026-12-04T0600-working-hours': workingHours,
  '2026-12-04T0700-both-sides': bothSides,
  '2026-12-05T0100-flag-factor': flagFactor,
  '2026-12-05T0200-monthly-pack': monthlyPack,
  '2026-12-06T0100-crm': crm,
  '2026-12-06T0200-data-leaves': dataLeaves,
  '2026-12-07T0100-installations': installations,
};
