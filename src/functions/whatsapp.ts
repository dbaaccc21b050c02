import { camelized } from "../models/case";
import { type WhatsAppBot, type WhatsAppTemplate, whatsAppTemplate } from "../models/whatsapp";
import {
  callText,
  dataSource,
  declareLookups,
  findOne,
  type LookupInputs,
  quote,
  RomulusLookupError,
  type SelectorSpelling,
  sameEnum,
  selectorOf,
  suggestionText,
  type Target,
  whereText,
} from "./core";

/**
 * One component of a template (`header`, `body`, `footer`, `buttons`...). Kept exactly as the API sends it:
 * these are WhatsApp's own template structures, which the template-message endpoint's `parameters` refer to.
 */
export interface WhatsAppTemplateComponent {
  type: string;
  [field: string]: unknown;
}

export interface WhatsAppTemplateResult {
  id: string;
  name: string;
  /** e.g. `marketing`, `utility`. */
  category?: string;
  /** e.g. `en`, `it`: one template name exists once per language. */
  language?: string;
  /** e.g. `approved`, `pending`. */
  status?: string;
  components: WhatsAppTemplateComponent[];
}

export interface GetWhatsAppBotResult {
  id: string;
  name: string;
  templates: WhatsAppTemplateResult[];
}

export interface GetWhatsAppBotArgs {
  /** Exactly one of `id` and `name`. */
  id?: string;
  /** Matched exactly. */
  name?: string;
}

export interface GetWhatsAppBotOutputArgs extends LookupInputs<GetWhatsAppBotArgs> {}

export interface GetWhatsAppBotsResult {
  /** In the API's order, each with its templates. */
  bots: GetWhatsAppBotResult[];
}

export interface GetWhatsAppTemplateArgs {
  /** The bot's id (exactly one of `botId` and `botName`). */
  botId?: string;
  /** The bot's name, matched exactly (exactly one of `botId` and `botName`). */
  botName?: string;
  /** The template's name, matched exactly. */
  name: string;
  /** Needed when the bot has the name in several languages; compared ignoring case. */
  language?: string;
}

export interface GetWhatsAppTemplateOutputArgs extends LookupInputs<GetWhatsAppTemplateArgs> {}

/** A template with the bot it belongs to: sending it takes both `bot_id` and `template_id`. */
export interface GetWhatsAppTemplateResult extends WhatsAppTemplateResult {
  botId: string;
  botName: string;
}

/** Every field but the components, which are WhatsApp's own structures and are kept as the API sends them. */
const templateFields = whatsAppTemplate.omit({ components: true });

function toTemplate(t: WhatsAppTemplate): WhatsAppTemplateResult {
  return {
    ...camelized(templateFields, t),
    // A copy: results must not share objects with the listing every other lookup of the run reads.
    components: structuredClone(t.components ?? []) as WhatsAppTemplateComponent[],
  };
}

function toBot(b: WhatsAppBot): GetWhatsAppBotResult {
  return { id: b.id, name: b.name, templates: b.templates.map(toTemplate) };
}

const bots = declareLookups<
  WhatsAppBot,
  GetWhatsAppBotArgs,
  GetWhatsAppBotOutputArgs,
  GetWhatsAppBotResult,
  GetWhatsAppBotsResult
>({
  key: "whatsapp-bots",
  noun: "WhatsApp bot",
  plural: "WhatsApp bots",
  list: (client, options) => client.whatsapp.listBots(options),
  fn: "getWhatsAppBot",
  allFn: "getWhatsAppBots",
  toResult: toBot,
  allResult: (results) => ({ bots: results }),
});

const languagesOf = (templates: readonly WhatsAppTemplate[]): string[] =>
  [...new Set(templates.map((t) => t.language ?? "(none)"))].sort();

/** The arguments checked, as they are before any request: the bot's selector and the template's name. */
function templateArgs(args: GetWhatsAppTemplateArgs) {
  const fn = "getWhatsAppTemplate";
  const name = args?.name ?? undefined;
  const language = args?.language ?? undefined;
  if (typeof name !== "string" || name === "")
    throw new RomulusLookupError(`${fn}: \`name\` must be a non-empty string`);
  // The bot is picked by `botId`/`botName`, and a call suggested for it must still name the template.
  const spelling: SelectorSpelling = { fn, idKey: "botId", nameKey: "botName", others: { name, language } };
  const selector = selectorOf(spelling, { id: args.botId, name: args.botName });
  return { fn, name, language, spelling, selector };
}

async function findTemplate(args: GetWhatsAppTemplateArgs, target: Target): Promise<GetWhatsAppTemplateResult> {
  const { fn, name, language, spelling, selector } = templateArgs(args);
  const bot = await findOne(spelling, target, bots.kind, selector);
  // The bot as the caller named it, for the calls the messages below suggest.
  const botArgs = selector.id === undefined ? { botName: selector.name } : { botId: selector.id };
  const ofBot = `of WhatsApp bot ${quote(bot.name)} (id ${quote(bot.id)})`;
  const found = (t: WhatsAppTemplate): GetWhatsAppTemplateResult => ({
    ...toTemplate(t),
    botId: bot.id,
    botName: bot.name,
  });

  const named = bot.templates.filter((t) => t.name === name);
  if (named.length === 0) {
    throw new RomulusLookupError(
      `${fn}: no template named ${quote(name)} ${ofBot} ${await whereText(target)} (names match exactly). ` +
        suggestionText(
          name,
          bot.templates.map((t) => t.name),
          "templates for this bot",
        ),
    );
  }
  const matches = named.filter((t) => sameEnum(language, t.language));
  const [first, ...others] = matches;
  if (first && others.length === 0) return found(first);
  if (!first) {
    throw new RomulusLookupError(
      `${fn}: template ${quote(name)} ${ofBot} has no language ${quote(language ?? "")}; ` +
        `it exists in: ${languagesOf(named).join(", ")}.`,
    );
  }
  const languages = languagesOf(matches);
  if (language === undefined && languages.length > 1) {
    throw new RomulusLookupError(
      `${fn}: template ${quote(name)} ${ofBot} exists in ${languages.length} languages: ${languages.join(", ")}. ` +
        `Pass \`language\` to pick one, e.g. ${callText(fn, { ...botArgs, name, language: languages[0] })}.`,
    );
  }
  throw new RomulusLookupError(
    `${fn}: ${matches.length} templates ${ofBot} are named ${quote(name)}` +
      `${language === undefined ? "" : ` in language ${quote(language)}`}: ` +
      `${matches.map((t) => `id ${quote(t.id)}`).join(", ")}. ` +
      "Use getWhatsAppBot and pick the template from its `templates` by id, e.g. " +
      `${callText("getWhatsAppBot", { id: bot.id })}.`,
  );
}

/** A WhatsApp bot by id or exact name, with its templates. */
export const getWhatsAppBot = bots.one.plain;

/** {@link getWhatsAppBot} taking Inputs and answering an Output. */
export const getWhatsAppBotOutput = bots.one.output;

/** Every WhatsApp bot of the organization, each with its templates. */
export const getWhatsAppBots = bots.all.plain;

/** {@link getWhatsAppBots} answering an Output. */
export const getWhatsAppBotsOutput = bots.all.output;

const templates = dataSource<GetWhatsAppTemplateArgs, GetWhatsAppTemplateOutputArgs, GetWhatsAppTemplateResult>(
  "getWhatsAppTemplate",
  { check: templateArgs, find: findTemplate },
);

/**
 * One template of a bot, by name, and by language where the bot has the name in several:
 *
 * ```ts
 * const welcome = await romulus.getWhatsAppTemplate({ botName: "Sales WA bot", name: "welcome_message", language: "en" });
 * ```
 */
export const getWhatsAppTemplate = templates.plain;

/** {@link getWhatsAppTemplate} taking Inputs and answering an Output. */
export const getWhatsAppTemplateOutput = templates.output;
