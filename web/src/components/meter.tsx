/**
 * A labelled bar of a value against a limit (usage against an allowance, a score against
 * its scale). Over the limit it fills and turns red; no limit shows the value alone.
 */
export function Meter({
  label,
  value,
  max,
  format,
}: {
  label: string;
  value: number;
  /** null: no limit (unlimited). */
  max: number | null;
  format(value: number): string;
}) {
  const ratio = max === null ? null : max === 0 ? (value > 0 ? Infinity : 0) : value / max;
  const level = ratio === null ? 'unlimited' : ratio > 1 ? 'over' : ratio >= 0.8 ? 'high' : 'ok';
  const text = max === null ? `${format(value)} used, unlimited` : `${format(value)} of ${format(max)}`;
  return (
    <div className={`meter meter--${level}`}>
      <div className="meter__label">
        <span>{label}</span>
        <span className="meter__value">
          {text}
          {level === 'over' && <strong> · over allowance</strong>}
        </span>
      </div>
      <div
        className="meter__track"
        role="meter"
        aria-label={`${label}: ${text}`}
        aria-valuemin={0}
        aria-valuemax={max ?? value}
        aria-valuenow={max === null ? value : Math.min(value, max)}
      >
        <div className="meter__fill" style={{ width: `${ratio === null ? 100 : Math.min(ratio, 1) * 100}%` }} />
      </div>
    </div>
  );
}
