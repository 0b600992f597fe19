export interface BarDatum {
  label: string;
  value: number;
}

/**
 * A small bar chart in SVG: one bar per datum, left to right, with an optional limit drawn
 * as a dashed line (an allowance, a target). Screen readers get the same numbers as a table.
 */
export function BarChart({
  title,
  data,
  format,
  limit = null,
  limitLabel = 'limit',
  height = 120,
}: {
  title: string;
  data: BarDatum[];
  format(value: number): string;
  limit?: number | null;
  limitLabel?: string;
  height?: number;
}) {
  const width = 100 * Math.max(data.length, 1);
  const top = Math.max(limit ?? 0, ...data.map((d) => d.value), 1) * 1.1;
  const y = (value: number) => height - (value / top) * height;
  const slot = width / Math.max(data.length, 1);
  return (
    <figure className="bar-chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="bar-chart__plot" aria-hidden="true">
        {data.map((datum, index) => (
          <rect
            key={datum.label}
            className={limit !== null && datum.value > limit ? 'bar-chart__bar bar-chart__bar--over' : 'bar-chart__bar'}
            x={index * slot + slot * 0.18}
            width={slot * 0.64}
            y={y(datum.value)}
            height={height - y(datum.value)}
            rx={4}
          >
            <title>{`${datum.label}: ${format(datum.value)}`}</title>
          </rect>
        ))}
        {limit !== null && (
          <line className="bar-chart__limit" x1={0} x2={width} y1={y(limit)} y2={y(limit)} vectorEffect="non-scaling-stroke" />
        )}
      </svg>
      <div className="bar-chart__axis" aria-hidden="true">
        {data.map((datum) => (
          <span key={datum.label}>{datum.label}</span>
        ))}
      </div>
      <figcaption className="bar-chart__caption">
        {title}
        {limit !== null && (
          <span className="bar-chart__legend">
            <span className="bar-chart__swatch" /> {limitLabel} {format(limit)}
          </span>
        )}
      </figcaption>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {data.map((datum) => (
            <tr key={datum.label}>
              <th scope="row">{datum.label}</th>
              <td>{format(datum.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
