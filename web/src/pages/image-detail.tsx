import { action, createAsync, redirect, revalidate, useAction, useParams, useSubmission } from "@solidjs/router";
import { createEffect, createSignal, ErrorBoundary, onCleanup, Show } from "solid-js";
import { AnalysisBadge } from "../components/analysis-badge";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ImageDates } from "../components/image-dates";
import { ImageText } from "../components/image-text";
import { NoAiSwitch } from "../components/no-ai-switch";
import { NoPreview } from "../components/no-preview";
import { ShareLinks } from "../components/share-links";
import { offerUndo } from "../components/undo-bar";
import { ApiError, deleteImage as trashImage } from "../lib/api";
import type { ImageView } from "../lib/api-shapes";
import { formatBytes, formatDate } from "../lib/format";
import { getImage, getImagePage, retryAnalysis } from "../lib/images";
import { forget, freshest, watchImage } from "../lib/live-images";
import { forgetUpload } from "../lib/uploads";
import { usePageTitle } from "../lib/page-title";

/** To the trash, with an "Undo" offered over the gallery it returns to. */
const deleteImage = action(async (id: string, name: string) => {
  await trashImage(id);
  forget(id);
  forgetUpload(id);
  offerUndo({ ids: [id], what: `“${name}”` });
  throw redirect("/", { revalidate: getImagePage.key });
}, "deleteImage");

/** The analysis error is a code; say what it means. */
function failureText(code: string | null): string {
  if (code === "blocked") return "The AI declined to describe this image.";
  if (code === "dead_lettered") return "The analysis failed on every try and was set aside.";
  return `The analysis failed${code ? ` (${code})` : ""}.`;
}

/** Why an image is not analysed: kept from the AI, a budget spent when it was allowed again, or no AI here. */
function skippedText(image: ImageView): string {
  if (image.no_ai) return "Kept from the AI, as you asked.";
  if (image.analysis_error === "analysis_limit") return "Not analysed: this image was analysed 5 times in the last day. Try again later.";
  if (image.analysis_error === "rate_limited") return "Not analysed: too many analyses were asked for in the last minute. Try again in a minute.";
  return "Image analysis is not set up on this server.";
}

/** A budget was spent when the image was allowed again: the owner can ask once it allows. */
const canAnalyseLater = (image: ImageView) => image.analysis_status === "skipped" && !image.no_ai && image.analysis_error !== null;

export default function ImageDetail() {
  const params = useParams<{ id: string }>();
  return (
    <ErrorBoundary
      fallback={(error) => (
        <section class="empty">
          <h1>{error instanceof ApiError && error.status === 404 ? "Image not found" : "Could not load the image"}</h1>
          <p>
            <a href="/">Back to your images</a>
          </p>
        </section>
      )}
    >
      <ImageDetails id={params.id} />
    </ErrorBoundary>
  );
}

function ImageDetails(props: { id: string }) {
  const fetched = createAsync(() => getImage(props.id));
  const image = () => {
    const view = fetched();
    return view && freshest(view);
  };
  watchImage(image);
  usePageTitle(() => image()?.file_name ?? "Image");

  // file_url expires (15 min by default): fetch a new one shortly before. (Rendition URLs last longer.)
  createEffect(() => {
    const current = image();
    if (!current) return;
    const refreshIn = Math.max(Date.parse(current.file_url_expires_at) - Date.now() - 60_000, 10_000);
    const timer = setTimeout(() => void revalidate(getImage.keyFor(current.id)), refreshIn);
    onCleanup(() => clearTimeout(timer));
  });

  return (
    // Keyed by id: another image gets a fresh sheet (no open editor or new share link carried over).
    <Show when={image()?.id} keyed fallback={<p class="loading">Loading…</p>}>
      {(_id) => <Show when={image()}>{(shown) => <ImageSheet image={shown()} />}</Show>}
    </Show>
  );
}

function ImageSheet(props: { image: ImageView }) {
  const remove = useAction(deleteImage);
  const removal = useSubmission(deleteImage);
  const retry = useAction(retryAnalysis);
  const retrying = useSubmission(retryAnalysis);
  const [confirming, setConfirming] = createSignal(false);
  const image = () => props.image;
  return (
    <article class="detail">
      <div class="detail-media">
        <Show when={image().display_url} fallback={<NoPreview image={image()} />}>
          {(display) => (
            <img
              src={display()}
              srcset={`${image().thumb_url} ${image().thumb_width}w, ${display()} ${image().display_width}w`}
              sizes="(min-width: 56rem) 60vw, 100vw"
              alt={image().alt_text || `${image().file_name} (no description yet)`}
              width={image().width}
              height={image().height}
            />
          )}
        </Show>
        <a class="button" href={image().file_url} download={image().file_name}>
          Download original
        </a>
      </div>
      <div class="detail-info">
        <h1 class="file-name">
          {image().file_name}
        </h1>
        <dl class="facts">
          <dt>Size</dt>
          {/* The stored file's: smaller than the one picked when metadata was removed, which the upload list showed. */}
          <dd>
            {formatBytes(image().size)}
            {image().metadata_removed.length ? " as stored, after the metadata below was removed" : ""}
          </dd>
          <dt>Dimensions</dt>
          <dd>
            {image().width} × {image().height} px
          </dd>
          <ImageDates image={image()} />
          <dt>Metadata</dt>
          <dd>
            {image().metadata_removed.length
              ? `Removed on upload: ${image().metadata_removed.join(", ")}`
              : "Nothing removed (kept, or none found)"}
          </dd>
          <dt>Analysis</dt>
          <dd class="status-line">
            <AnalysisBadge status={image().analysis_status} />
            <Show when={(image().analysis_status === "failed" && !image().no_ai) || canAnalyseLater(image())}>
              <button type="button" disabled={retrying.pending} onClick={() => void retry(image().id).catch(() => undefined)}>
                {canAnalyseLater(image()) ? "Analyse" : image().analysis_retry_at ? "Retry now" : "Retry analysis"}
              </button>
            </Show>
          </dd>
        </dl>
        <Show when={image().analysis_status === "failed"}>
          <p class="hint">
            {failureText(image().analysis_error)}
            <Show when={image().analysis_retry_at}>{(retryAt) => ` It is tried again automatically at ${formatDate(retryAt())}.`}</Show>
          </p>
        </Show>
        <Show when={image().analysis_status === "skipped"}>
          <p class="hint">{skippedText(image())}</p>
        </Show>
        <NoAiSwitch image={image()} />
        <Show when={retrying.error}>
          <p class="form-error" role="alert">
            {retrying.error instanceof ApiError ? retrying.error.message : "The analysis could not be restarted"}
          </p>
        </Show>
        <ImageText image={image()} />
        <ShareLinks imageId={image().id} />
        <div class="actions">
          <a class="button" href="/">
            Back
          </a>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete image
          </button>
        </div>
        <Show when={removal.error}>
          <p class="form-error" role="alert">
            {removal.error instanceof ApiError ? removal.error.message : "The image could not be deleted"}
          </p>
        </Show>
      </div>
      <ConfirmDialog
        open={confirming()}
        title="Move this image to the trash?"
        confirmLabel={removal.pending ? "Moving…" : "Move to trash"}
        pending={removal.pending}
        onClose={() => setConfirming(false)}
        onConfirm={() => void remove(image().id, image().file_name).catch(() => setConfirming(false))}
      >
        <p>
          “{image().file_name}” leaves your library, albums and share links now. You can restore it from the trash for 30 days; then it is
          deleted for good.
        </p>
      </ConfirmDialog>
    </article>
  );
}
