/** How far ahead the plan and the calendar look, in weeks. */
export const DEFAULT_WEEKS = 4;
export const MAX_WEEKS = 52;
