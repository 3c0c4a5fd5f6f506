/** A failure a person caused and can fix; its message is written for them and safe to show in Slack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: 'not_allowed' | 'not_found' | 'invalid' | 'conflict',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export const notAllowed = (message: string) => new UserError(message, 'not_allowed');
export const notFound = (message: string) => new UserError(message, 'not_found');
export const invalid = (message: string) => new UserError(message, 'invalid');
