import { z } from "zod";

/** `GET /v1/me` (the reference's heading says POST; its example and the API answer GET). */
export const me = z.looseObject({ organization_id: z.string().min(1) });
export type Me = z.infer<typeof me>;
