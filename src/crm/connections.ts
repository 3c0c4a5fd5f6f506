import type { Kysely } from 'kysely';
import type { CrmConnection, CrmProvider, Database } from '../db/types';
import type { CrmCredentials } from '../config';
import { invalid } from '../errors';
import { secretBox, type SecretBox } from '../secrets';
import { hubSpotSource } from './hubspot';
import { salesforceSource } from './salesforce';
import type { CrmSource } from './source';

/** The CRM settings of the environment (HUBSPOT_*, SALESFORCE_*) and the key that seals what is stored. */
export interface CrmSettings {
  readonly fromEnvironment?: CrmCredentials;
  readonly box?: SecretBox;
  /** Search requests a second for HubSpot (its documented limit is five); the bench's stand-in allows more. */
  readonly hubSpotSearchPerSecond?: number;
}

/** The settings of a deployment: its environment's CRM and its key (as the config keeps it, in hex). */
export function crmSettings(fromEnvironment: CrmCredentials | undefined, keyHex: string | undefined): CrmSettings {
  return {
    ...(fromEnvironment ? { fromEnvironment } : {}),
    ...(keyHex ? { box: secretBox(Buffer.from(keyHex, 'hex')) } : {}),
  };
}

/**
 * The workspace's connection, created from the environment the first time it is asked for (its sync's place
 * is kept like a stored connection's); null when neither the workspace nor the environment names a CRM.
 */
export async function connectionOf(db: Kysely<Database>, teamId: string, settings: CrmSettings): Promise<CrmConnection | null> {
  const stored = await db.selectFrom('crm_connection').selectAll().where('team_id', '=', teamId).executeTakeFirst();
  if (stored) return stored;
  const env = settings.fromEnvironment;
  if (!env) return null;
  await db
    .insertInto('crm_connection')
    .values({ team_id: teamId, provider: env.provider, secret: null, base_url: baseUrlOf(env) })
    .onConflict((oc) => oc.column('team_id').doNothing())
    .execute();
  return db.selectFrom('crm_connection').selectAll().where('team_id', '=', teamId).executeTakeFirstOrThrow();
}

const baseUrlOf = (c: CrmCredentials): string | null =>
  c.provider === 'hubspot' ? (c.baseUrl ?? null) : (c.instanceUrl ?? c.loginUrl ?? null);

/**
 * `cascade crm connect`: the workspace reads this CRM from now on, its credentials sealed with
 * CASCADE_ENCRYPTION_KEY. A new connection (or another CRM) starts with a full sync.
 */
export async function connectCrm(db: Kysely<Database>, teamId: string, credentials: CrmCredentials, settings: CrmSettings): Promise<void> {
  if (!settings.box)
    throw invalid(
      'CASCADE_ENCRYPTION_KEY is not set: CRM credentials are kept only encrypted. Set it to 32 random bytes (`openssl rand -hex 32`).',
    );
  const secret = settings.box.seal(JSON.stringify(credentials));
  const values = {
    provider: credentials.provider,
    secret,
    base_url: baseUrlOf(credentials),
    synced_to: null,
    window_end: null,
    window_after: null,
    full_pending: true,
    lease_until: null,
    last_error: null,
  };
  await db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('crm_connection').select('provider').where('team_id', '=', teamId).executeTakeFirst();
    // Another CRM's deals and owners are not this one's.
    if (before && before.provider !== credentials.provider) {
      await tx.deleteFrom('crm_deal').where('team_id', '=', teamId).execute();
      await tx.deleteFrom('crm_owner').where('team_id', '=', teamId).execute();
    }
    await tx
      .insertInto('crm_connection')
      .values({ team_id: teamId, ...values })
      .onConflict((oc) => oc.column('team_id').doUpdateSet(values))
      .execute();
  });
}

/** The credentials a connection reads with: its own (opened with the key), or the environment's. */
function credentialsOf(connection: CrmConnection, settings: CrmSettings): CrmCredentials {
  if (connection.secret === null) {
    const env = settings.fromEnvironment;
    if (!env || env.provider !== connection.provider)
      throw invalid(
        `The ${providerName(connection.provider)} settings are no longer in the environment: set them again, or \`cascade crm connect\`.`,
      );
    return env;
  }
  if (!settings.box) throw invalid('CASCADE_ENCRYPTION_KEY is not set: the stored CRM credentials cannot be opened.');
  try {
    return JSON.parse(settings.box.open(connection.secret)) as CrmCredentials;
  } catch (err) {
    throw invalid(`${(err as Error).message}: connect the CRM again with \`cascade crm connect\`, or set the key it was kept with.`);
  }
}

/** The source that reads a connection's CRM. */
export async function sourceOf(connection: CrmConnection, settings: CrmSettings): Promise<CrmSource> {
  const c = credentialsOf(connection, settings);
  if (c.provider === 'hubspot')
    return hubSpotSource({
      accessToken: c.accessToken,
      ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
      ...(settings.hubSpotSearchPerSecond ? { searchPerSecond: settings.hubSpotSearchPerSecond } : {}),
    });
  return salesforceSource(c);
}

export const providerName = (p: CrmProvider): string => (p === 'hubspot' ? 'HubSpot' : 'Salesforce');
