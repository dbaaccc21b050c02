import { pageParams } from "../model/common";
import * as robocalls from "../model/robocalls";
import type { ApiRouter } from "./router";

export function registerRobocalls(api: ApiRouter): void {
  const m = api.model;
  api.route("GET", "/v1/call-tasks/robocalls/configurations", ({ org, query }) =>
    robocalls.listRobocallConfigurations(m, org, pageParams(query)),
  );
  api.route("POST", "/v1/call-tasks/robocalls", ({ org, body }) => robocalls.startRobocall(m, org, body));
}
