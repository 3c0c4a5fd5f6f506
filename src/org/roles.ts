import type { Role } from '../db/types';

export type { Role };

export const ROLES: readonly Role[] = ['ceo', 'president', 'manager', 'rep'];

/** The role a person of `role` must report to: the chain runs CEO → president → manager → rep. */
export function leaderRoleOf(role: Role): Role | null {
  switch (role) {
    case 'ceo':
      return null;
    case 'president':
      return 'ceo';
    case 'manager':
      return 'president';
    case 'rep':
      return 'manager';
  }
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABEL: Record<Role, string> = {
  ceo: 'CEO',
  president: 'President of Sales',
  manager: 'Sales manager',
  rep: 'Rep',
};

/** Slack user IDs: U… for workspace users, W… for Enterprise Grid users. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
