export const PLATFORMS = ["slack", "mattermost", "playground"] as const;
export type Platform = (typeof PLATFORMS)[number];
