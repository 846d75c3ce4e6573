// A uPlot line chart of one series over block heights.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartProps {
  title: string;
  id: string;
  heights: number[];
  values: (number | null)[];
  unit: string;
  bars?: boolean;
  /** mark each value with a dot (sparse series: a single sample draws no line) */
  points?: boolean;
}

export function Chart({ title, id, heights, values, unit, bars, points }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const opts: uPlot.Options = {
      title,
      width: 360,
      height: 180,
      scales: { x: { time: false } },
      axes: [{ label: "height" }, { label: unit, size: 50 }],
      series: [
        { label: "height" },
        {
          label: unit,
          stroke: "#2563eb",
          fill: "rgba(37,99,235,0.12)",
          paths: bars ? uPlot.paths.bars?.({ size: [0.8] }) : undefined,
          points: { show: Boolean(points), size: 6 },
        },
      ],
    };
    plot.current = new uPlot(opts, [[], []], box.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [title, unit, bars, points]);
  useEffect(() => {
    plot.current?.setData([heights, values]);
  }, [heights, values]);
  return <div class="chart" id={id} ref={box} />;
}
