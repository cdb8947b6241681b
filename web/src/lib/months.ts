// timeline_date is a calendar date in no one's time zone: format it as UTC so it stays that date.
export const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

/** The id of a month's heading in the timeline, where jumps land. */
export const monthHeadingId = (month: string) => `month-${month}`;
