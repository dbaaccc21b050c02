import {
  type RobocallConfiguration,
  type RobocallTask,
  robocallConfiguration,
  robocallTask,
  type StartRobocallRequest,
  startRobocallRequest,
} from "../models/robocalls";
import { endpoint, list } from "./core/endpoint";
import type { Paginator, PaginatorOptions } from "./core/pagination";
import { Section } from "./section";

const api = {
  listConfigurations: list("GET /v1/call-tasks/robocalls/configurations", {
    envelope: "spring",
    item: robocallConfiguration,
  }),
  start: endpoint("POST /v1/call-tasks/robocalls", { request: startRobocallRequest, response: robocallTask }),
};

export class Robocalls extends Section {
  /** Robocall configurations, set up in the dashboard. */
  listConfigurations(options?: PaginatorOptions): Paginator<RobocallConfiguration> {
    return this.paginate(api.listConfigurations, {}, undefined, options);
  }

  /** Starts a robocall to `phone_number` (E.164, checked before sending); the task's id is an integer. */
  async start(body: StartRobocallRequest): Promise<RobocallTask> {
    return this.send(api.start, {}, body);
  }
}
