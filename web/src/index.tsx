import { Navigate, Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { App } from "./app";
import { RequireSession } from "./components/require-session";
import { restoreSession } from "./lib/api";
import { NotFound } from "./pages/not-found";
import { Photos } from "./pages/photos";
import "./styles.css";

// Pages a signed-in visit rarely starts on load when first opened: the gallery's first load stays under 30 KiB.
// Sign-in too: a returning visitor's session is restored without it.
const SignIn = lazy(() => import("./pages/sign-in").then((page) => ({ default: page.SignIn })));
const SignUp = lazy(() => import("./pages/sign-up").then((page) => ({ default: page.SignUp })));
const Account = lazy(() => import("./pages/account").then((page) => ({ default: page.Account })));
const Albums = lazy(() => import("./pages/albums"));
const Album = lazy(() => import("./pages/album"));
const Favourites = lazy(() => import("./pages/favourites"));
const Trash = lazy(() => import("./pages/trash"));

void restoreSession();

// Page paths never reuse the API's prefixes (/auth, /images, /albums, /trash, /s, /healthz): those always reach the Worker (so the trash page is /bin).
render(
  () => (
    <Router root={App}>
      <Route path="/login" component={SignIn} />
      <Route path="/signup" component={SignUp} />
      <Route path="/" component={RequireSession}>
        <Route path={["/", "/i/:id"]} component={Photos} />
        <Route path="/gallery" component={() => <Navigate href="/" />} />
        <Route path="/a" component={Albums} />
        <Route path={["/a/:id", "/a/:id/i/:imageId"]} component={Album} />
        <Route path="/account" component={Account} />
        <Route path="/favourites" component={Favourites} />
        <Route path="/bin" component={Trash} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById("root") ?? document.body,
);
