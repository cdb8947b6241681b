import { action, query } from "@solidjs/router";
import * as api from "./api";
import type { AccountSettings } from "./api-types";

export const getSettings = query(async () => (await api.getMe()).settings, "settings");

export const saveSettings = action(async (patch: Partial<AccountSettings>) => (await api.updateSettings(patch)).settings, "saveSettings");
