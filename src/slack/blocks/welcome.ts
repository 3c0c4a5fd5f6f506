import { section, type Reply } from './text';

/** Where a new workspace stands on its first steps. */
interface FirstRun {
  readonly peopleCount: number;
  readonly digestChannels: number;
}

/** The first steps, each ticked once done: the same words in the installer's DM and in an admin's App Home. */
export function firstRunLines(f: FirstRun): string[] {
  const chart = f.peopleCount > 1;
  const digests = f.digestChannels > 0;
  return [
    `${chart ? '✅' : '1.'} Load the org chart: \`/cascade org import\` (paste a CSV: email, name, role, manager) — ${f.peopleCount} ${f.peopleCount === 1 ? 'person' : 'people'} in it now.`,
    `${digests ? '✅' : '2.'} Choose where the digests go: \`/cascade digest channel org #channel\` (and \`exec\` for the CEO's).`,
    'Then the cascade runs by itself: the first check-ins go out at the next cadence. `/cascade cadence list` shows when.',
  ];
}

/** Whether the first steps are done (the org chart has people, a digest has a channel). */
export function firstRunDone(f: FirstRun): boolean {
  return f.peopleCount > 1 && f.digestChannels > 0;
}

/** The installer's first-run DM: what Cascade is waiting for, and that App Home says the same until it is done. */
export function welcomeMessage(f: FirstRun): Reply {
  const text = 'Cascade is installed. Two steps and it runs by itself.';
  return {
    text,
    blocks: [
      section(`*${text}*\nYou added Cascade, so you are its admin here until the org chart names others.`),
      section(firstRunLines(f).join('\n')),
      section(
        'App Home (the Cascade app, Home tab) shows these steps, ticked as they are done. `/cascade help admin` lists every admin command.',
      ),
    ],
  };
}
