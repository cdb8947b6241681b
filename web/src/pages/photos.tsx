import { useLocation, useParams } from "@solidjs/router";
import { lazy, Match, Show, Switch } from "solid-js";
import { isViewerState } from "../lib/viewer-list";
import { Gallery } from "./gallery";

// The image page (editing, share links) and the viewer load when first opened: the gallery's first load stays under 30 KiB.
const ImageDetail = lazy(() => import("./image-detail"));
const Viewer = lazy(() => import("../components/viewer"));

/**
 * "/" and "/i/:id" are one route, so the gallery stays mounted (its pages, scroll and selection)
 * while the viewer is open over it. /i/:id opened from the gallery is the viewer; opened any other
 * way (a link, the address bar) it is the image's own page.
 */
export function Photos() {
  const params = useParams<{ id?: string }>();
  const location = useLocation();
  const inViewer = () => Boolean(params.id) && isViewerState(location.state);
  return (
    <Switch>
      <Match when={!params.id || inViewer()}>
        <Gallery />
        <Show when={inViewer() && params.id}>{(id) => <Viewer id={id()} home="/" pathOf={(image) => `/i/${image}`} />}</Show>
      </Match>
      <Match when={params.id}>
        <ImageDetail />
      </Match>
    </Switch>
  );
}
