import { Navigate, Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { App } from "./app";
import { RequireSession } from "./components/require-session";
import { restoreSession } from "./lib/api";
import { NotFound } from "./pages/not-found";
import { Photos } from "./pages/photos";
import { SignIn } from "./pages/sign-in";
import { SignUp } from "./pages/sign-up";
import "./styles.css";

// The account page (settings, export, deletion) loads when first opened: the gallery's first load stays under 30 KiB.
const Account = lazy(() => import("./pages/account").then((page) => ({ default: page.Account })));

void restoreSession();

// Page paths never reuse the API's prefixes (/auth, /images, /healthz): those always reach the Worker.
render(
  () => (
    <Router root={App}>
      <Route path="/login" component={SignIn} />
      <Route path="/signup" component={SignUp} />
      <Route path="/" component={RequireSession}>
        <Route path={["/", "/i/:id"]} component={Photos} />
        <Route path="/gallery" component={() => <Navigate href="/" />} />
        <Route path="/account" component={Account} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  ),
  document.getElementById("root") ?? document.body,
);
