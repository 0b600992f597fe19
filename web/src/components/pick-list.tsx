import type { ReactNode } from 'react';

/** A list of things to pick one of (a survey, a template, a customer): each a button, the current one marked. */
export function PickList<T extends { id: string }>({
  label,
  items,
  currentId,
  onPick,
  children,
}: {
  label: string;
  items: T[];
  currentId?: string | undefined;
  onPick(item: T): void;
  /** What the button shows for an item. */
  children(item: T): ReactNode;
}) {
  return (
    <ul className="template-list" aria-label={label}>
      {items.map((item) => (
        <li key={item.id}>
          <button
            type="button"
            className="template-list__item"
            aria-current={currentId === undefined ? undefined : currentId === item.id}
            onClick={() => onPick(item)}
          >
            {children(item)}
          </button>
        </li>
      ))}
    </ul>
  );
}
