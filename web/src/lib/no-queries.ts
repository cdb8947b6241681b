/** A revalidate key no query has: an action that returns `reload({ revalidate: noQueries })` refetches nothing. */
export const noQueries = "no-queries";
