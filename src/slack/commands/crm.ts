import { crmStatusFor, describeCrmStatus } from '../../crm/status';
import { describeSync, syncFor } from '../../crm/sync';
import { typed, type Reply } from '../blocks/text';
import { none, subcommand } from './kit';

/*
 * The CRM, for admins: where goals that follow a CRM measure get their numbers, when it was last read, and who
 * is not matched (an owner whose email is no person's, a person with such goals and no owner).
 */

const lines = (list: readonly string[]): Reply => ({ text: list.map((l) => typed(l)).join('\n') });

const crmStatus = subcommand({
  path: ['crm', 'status'],
  default: true,
  usage: '/cascade crm status',
  about: 'the CRM connection, its last sync, and owners and people not matched (admins)',
  allowed: { admins: 'see the CRM connection' },
  parse: none('crm status'),
  run: async ({ deps, scope }) => lines(describeCrmStatus(await crmStatusFor(scope, deps.crm ?? {}))),
});

const crmSync = subcommand({
  path: ['crm', 'sync'],
  usage: '/cascade crm sync',
  about: 'read what changed in the CRM now, instead of at the next hourly sync (admins)',
  allowed: { admins: 'sync the CRM' },
  parse: none('crm sync'),
  run: async ({ deps, scope }) => {
    const report = await syncFor(scope, { now: () => deps.clock.now(), log: deps.log, settings: deps.crm ?? {} });
    if (report.outcome === 'not_connected')
      return lines(['No CRM is connected: the operator sets HUBSPOT_ACCESS_TOKEN (or SALESFORCE_*), or runs `cascade crm connect`.']);
    return lines([describeSync(report)]);
  },
});

export const CRM = [crmStatus, crmSync];

export const CRM_GROUPS = {
  crm: { missing: '', unknown: (w: string) => `Unknown crm command "${w}".` },
};
