// A stand-in for the original React frontend (Irshad-Ahmaed/Aizen-Assignment, frontend/src): the same
// axios calls, with the same options and the same reading of the answers, without React.
// The API's base URL comes from ?api=, as the original's VITE_BACKEND_URL did at build time.
import axios from "/axios.js";

const API_URL = new URLSearchParams(location.search).get("api");
const axiosInstance = axios.create({ baseURL: API_URL, headers: { "Content-Type": "application/json" } });

const api = {
  register: async (username, email, password) => (await axios.post(`${API_URL}/api/v2/auth/register`, { username, email, password })).data,
  async login(email, password) {
    try {
      return (await axios.post(`${API_URL}/api/v2/auth/login`, { email, password })).data;
    } catch (error) {
      throw error.response.data.message;
    }
  },
  async uploadImage(file, token) {
    const formData = new FormData();
    formData.append("image", file);
    try {
      const response = await axiosInstance.post("/api/v2/images/upload", formData, {
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "multipart/form-data" },
      });
      return response.data;
    } catch (error) {
      throw error.response.data.message;
    }
  },
  async fetchImages(token) {
    try {
      return (await axiosInstance.get("/api/v2/images/list", { headers: { Authorization: `Bearer ${token}` } })).data;
    } catch (error) {
      throw error.response.data.message;
    }
  },
};

const view = document.getElementById("view");

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function form(title, fields, submit, onSubmit) {
  const inputs = Object.fromEntries(fields.map((name) => [name, element("input", { name, id: name, type: name === "password" ? "password" : "text", required: true })]));
  const node = element("form", {}, element("h2", { textContent: title }));
  for (const [name, input] of Object.entries(inputs)) node.append(element("label", { htmlFor: name, textContent: name }), input);
  node.append(element("button", { type: "submit", textContent: submit }));
  node.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit(Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value])), inputs);
  });
  return node;
}

function showSignup() {
  view.replaceChildren(
    form("Signup", ["username", "email", "password"], "Signup", async ({ username, email, password }, inputs) => {
      try {
        const resp = await api.register(username, email, password);
        // The original moved on only on this exact message.
        if (resp.message === "User registered successfully") showLogin();
      } catch (error) {
        alert(error.response.data.message);
        for (const input of Object.values(inputs)) input.value = "";
      }
    }),
  );
}

function showLogin(error) {
  view.replaceChildren(
    form("Welcome Back", ["email", "password"], "Log In", async ({ email, password }) => {
      try {
        const data = await api.login(email, password);
        localStorage.setItem("token", data.access_token);
        localStorage.setItem("user", data.user);
        showDashboard();
      } catch (message) {
        showLogin(message);
      }
    }),
  );
  if (error) view.prepend(element("p", { className: "error", textContent: error }));
}

async function showDashboard() {
  const token = localStorage.getItem("token");
  const user = localStorage.getItem("user");
  document.getElementById("welcome").textContent = `Welcome, ${user ?? "Anonymous"}`;
  const file = element("input", { type: "file", id: "file" });
  const upload = element("button", { type: "button", textContent: "Upload" });
  const uploadError = element("span", { className: "error" });
  const list = element("div", { id: "images" });
  view.replaceChildren(element("h1", { textContent: `Welcome, ${user ?? "User"}` }), file, upload, uploadError, list);

  const renderList = async () => {
    try {
      const images = await api.fetchImages(token);
      list.replaceChildren(
        ...(images.length
          ? images.map((image) =>
              element(
                "figure",
                { className: "card" },
                element("img", { src: image.file_url, alt: "Uploaded" }),
                ...(image.ai_description ? [element("figcaption", { textContent: `AI Suggestion: ${image.ai_description}` })] : []),
              ),
            )
          : [element("p", { textContent: "No Data Available" })]),
      );
    } catch (message) {
      list.replaceChildren(element("span", { className: "error", textContent: message }));
    }
  };
  upload.addEventListener("click", async () => {
    if (!file.files?.[0] || !token) return;
    try {
      const response = await api.uploadImage(file.files[0], token);
      localStorage.setItem("image", response.file_url);
      uploadError.textContent = "";
      await renderList();
    } catch (message) {
      uploadError.textContent = message;
    }
  });
  await renderList();
}

if (localStorage.getItem("token")) showDashboard();
else showSignup();
