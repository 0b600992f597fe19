import type { ComponentType } from 'react';
import type { Customer360 } from '../api-types';
import { LoyaltyPanel } from '../loyalty/customer-panel';

/**
 * Panels other capabilities add to the customer 360. Each is a component given the loaded
 * 360; `column` says where it goes and `order` its place there (the built-in panels come
 * first). Add an entry here to show a capability's view of the customer (see web/README.md).
 */
export interface CustomerPanel {
  key: string;
  column: 'main' | 'side';
  order: number;
  component: ComponentType<{ data: Customer360 }>;
}

export const CUSTOMER_PANELS: CustomerPanel[] = [{ key: 'loyalty', column: 'main', order: 10, component: LoyaltyPanel }];

/** The panels of one column, in order. */
export function panelsFor(column: CustomerPanel['column']): CustomerPanel[] {
  return CUSTOMER_PANELS.filter((panel) => panel.column === column).sort((a, b) => a.order - b.order);
}
