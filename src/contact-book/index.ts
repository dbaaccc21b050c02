export { CONTACT_BOOK_TYPE, ContactBook, type ContactBookArgs } from "./component";
export {
  ContactBookError,
  type ContactBookFormat,
  type ContactBookIssue,
  type ContactBookRow,
  type ContactValues,
  contactBookFormat,
  parseContactBook,
  parseContactBookText,
} from "./parse";
