/** Every list is paged: page is 1-based. */
export interface Page {
  page: number;
  pageSize: number;
  sql: { limit: number; offset: number };
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function toPage(page: number, pageSize: number): Page {
  return { page, pageSize, sql: { limit: pageSize, offset: (page - 1) * pageSize } };
}

export function paged<T>(items: T[], total: number, page: Page): Paged<T> {
  return { items, page: page.page, pageSize: page.pageSize, total };
}
