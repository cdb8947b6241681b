import type { AnalysisStatus } from "../lib/api-shapes";

const labels: Record<AnalysisStatus, string> = {
  pending: "Waiting for analysis",
  processing: "Analysing…",
  done: "Analysed",
  failed: "Analysis failed",
  skipped: "Not analysed",
};

export function AnalysisBadge(props: { status: AnalysisStatus }) {
  return (
    <span class="badge" data-status={props.status}>
      {labels[props.status]}
    </span>
  );
}
