/** The behaviour counters a case keeps, from which its effort is read. */
export interface EffortInputs {
  state: string;
  contact_count: number;
  channel_switches: number;
  transfer_count: number;
  reopen_count: number;
  repeat_contact_at: Date | string | null;
}

export interface Effort {
  score: number;
  contacts: number;
  channelSwitches: number;
  transfers: number;
  reopens: number;
  repeatContact: boolean;
  oneTouch: boolean;
}

// Weights of the effort score (the README explains them): every contact after the first
// costs the customer one point, being moved to another channel one, being handed to
// another agent or team one and a half, and having to come back after "resolved" two.
export const EFFORT_WEIGHTS = { extraContact: 1, channelSwitch: 1, transfer: 1.5, reopen: 2, repeatContact: 2 } as const;

/** Resolved with at most one contact, never transferred or reopened. */
export function isOneTouch(row: EffortInputs): boolean {
  return (
    (row.state === 'resolved' || row.state === 'closed') && row.contact_count <= 1 && row.transfer_count === 0 && row.reopen_count === 0
  );
}

/** The effort a case cost its customer, from behaviour rather than a survey. */
export function effortOf(row: EffortInputs): Effort {
  const contacts = Math.max(1, row.contact_count);
  const repeatContact = row.repeat_contact_at !== null;
  const w = EFFORT_WEIGHTS;
  const score =
    (contacts - 1) * w.extraContact +
    row.channel_switches * w.channelSwitch +
    row.transfer_count * w.transfer +
    row.reopen_count * w.reopen +
    (repeatContact ? w.repeatContact : 0);
  return {
    score,
    contacts,
    channelSwitches: row.channel_switches,
    transfers: row.transfer_count,
    reopens: row.reopen_count,
    repeatContact,
    oneTouch: isOneTouch(row),
  };
}
