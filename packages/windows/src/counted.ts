/** A count with its noun for people: "1 clash", "2 clashes", "0 stacks". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
