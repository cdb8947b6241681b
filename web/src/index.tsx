import { Navigate, Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { App } from "./app";
import { RequireSession } from "./components/require-session";
import { restoreSession } from "./lib/api";
import { Account } from "./pages/account";
import { Gallery } from "./pages/gallery";
import { NotFound } from "./pages/not-found";
import { SignIn } from "./pages/sign-in";
import { SignUp } from "./pages/sign-up";
import "./styles.css";

// The image page (editing, share links) loads when first opened: the gallery's first load stays under 30 KiB.
const ImageDetail = lazy(() => import("./pages/image-detail"));
const Albums = lazy(() => import("./pages/albums"));
const Album = lazy(() => import("./pages/album"));

void restoreSession();

// Page paths never reuse the API's prefixes (/auth, /images, /albums, /s, /healthz): those always reach the Worker.
render(
  () => (
    <Router root={App}>
      <Route path="/login" component={SignIn} />
      <Route path="/signup" component={SignUp} />
      <Route path="/" component={RequireSession}>
        <Route path="/" component={Gallery} />
        <Route path="/gallery" component={() => <Navigate href="/" />} />
        <Route path="/i/:id" component={ImageDetail} />
        <Route path="/a" component={Albums} />
        <Route path="/a/:id" component={Album} />
        <Route path="/account" component={Account} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById("root") ?? document.body,
);
