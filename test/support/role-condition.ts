/**
 * Reading role-assignment conditions (ABAC, version 2.0) by meaning, not by text.
 *
 * `evaluateCondition` implements the subset of the condition language that delegated role-assignment management uses
 * (https://learn.microsoft.com/azure/role-based-access-control/conditions-format): `!`, `AND`, `OR` (AND binds
 * tighter), parentheses, `ActionMatches{'…'}`, and `@Request|@Resource[attr] <operator> <value>` with the operators
 * GuidEquals, StringEqualsIgnoreCase and their ForAnyOfAnyValues: forms. Anything else is a parse error, so a
 * condition in another shape fails the test instead of being read as something it is not.
 */

/** What a role-assignment request looks like to the condition: the action, and the attributes of each source. */
export interface ConditionRequest {
  /** e.g. `Microsoft.Authorization/roleAssignments/write` */
  readonly action: string;
  /** Request attributes (write): e.g. { "Microsoft.Authorization/roleAssignments:RoleDefinitionId": "<guid>" }. */
  readonly request?: Readonly<Record<string, string>>;
  /** Resource attributes (delete: the existing assignment's). */
  readonly resource?: Readonly<Record<string, string>>;
}

type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "not"; operand: Node }
  | { kind: "action"; pattern: string }
  | { kind: "compare"; source: "Request" | "Resource"; attribute: string; operator: string; values: string[] };

const OPERATORS = ["GuidEquals", "StringEqualsIgnoreCase"] as const;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|!|AND\b|OR\b|ActionMatches\{'[^']*'\}|@(?:Request|Resource)\[[^\]]+\]|[A-Za-z]+:[A-Za-z]+|\{[^}]*\}|'[^']*'|[0-9a-fA-F-]{36}|[A-Za-z]+)\s*/y;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    re.lastIndex = position;
    const match = re.exec(text);
    if (!match) throw new Error(`condition: cannot read "${text.slice(position, position + 40)}"`);
    tokens.push(match[1]!);
    position = re.lastIndex;
  }
  return tokens;
}

function parse(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const token = tokens[i++];
    if (token === undefined) throw new Error("condition: unexpected end");
    return token;
  };
  const values = (token: string): string[] => {
    if (token.startsWith("{")) {
      return token
        .slice(1, -1)
        .split(",")
        .map((v) => v.trim().replace(/^'(.*)'$/, "$1"))
        .filter((v) => v !== "");
    }
    return [token.replace(/^'(.*)'$/, "$1")];
  };
  const primary = (): Node => {
    const token = next();
    if (token === "!") return { kind: "not", operand: primary() };
    if (token === "(") {
      const inner = or();
      if (next() !== ")") throw new Error("condition: missing )");
      return inner;
    }
    const action = /^ActionMatches\{'([^']*)'\}$/.exec(token);
    if (action) return { kind: "action", pattern: action[1]! };
    const attribute = /^@(Request|Resource)\[([^\]]+)\]$/.exec(token);
    if (attribute) {
      const operator = next();
      const base = operator.replace(/^ForAnyOfAnyValues:/, "");
      if (!(OPERATORS as readonly string[]).includes(base)) throw new Error(`condition: unsupported operator ${operator}`);
      const value = values(next());
      if (!operator.startsWith("ForAnyOfAnyValues:") && value.length !== 1) throw new Error(`condition: ${operator} takes one value`);
      return { kind: "compare", source: attribute[1] as "Request" | "Resource", attribute: attribute[2]!, operator, values: value };
    }
    throw new Error(`condition: unexpected "${token}"`);
  };
  const and = (): Node => {
    let left = primary();
    while (peek() === "AND") {
      next();
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek() === "OR") {
      next();
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (i !== tokens.length) throw new Error(`condition: trailing "${tokens.slice(i).join(" ")}"`);
  return tree;
}

function evaluate(node: Node, request: ConditionRequest): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, request) && evaluate(node.right, request);
    case "or":
      return evaluate(node.left, request) || evaluate(node.right, request);
    case "not":
      return !evaluate(node.operand, request);
    case "action":
      return node.pattern.toLowerCase() === request.action.toLowerCase();
    case "compare": {
      const attributes = node.source === "Request" ? request.request : request.resource;
      const actual = attributes?.[node.attribute];
      // A missing attribute satisfies no comparison.
      if (actual === undefined) return false;
      return node.values.some((v) => v.toLowerCase() === actual.toLowerCase());
    }
  }
}

/** Does `condition` allow `request`? (The role's own actions are a separate question: this is the condition only.) */
export function evaluateCondition(condition: string, request: ConditionRequest): boolean {
  return evaluate(parse(condition), request);
}

const ROLE = "Microsoft.Authorization/roleAssignments:RoleDefinitionId";
const TYPE = "Microsoft.Authorization/roleAssignments:PrincipalType";

/** May the holder of `condition` create an assignment of role `roleGuid` to a principal of `principalType`? */
export function allowsWrite(condition: string, roleGuid: string, principalType: string): boolean {
  return evaluateCondition(condition, {
    action: "Microsoft.Authorization/roleAssignments/write",
    request: { [ROLE]: roleGuid, [TYPE]: principalType },
  });
}

/** May the holder of `condition` delete an existing assignment of role `roleGuid` held by a principal of `principalType`? */
export function allowsDelete(condition: string, roleGuid: string, principalType: string): boolean {
  return evaluateCondition(condition, {
    action: "Microsoft.Authorization/roleAssignments/delete",
    resource: { [ROLE]: roleGuid, [TYPE]: principalType },
  });
}

/**
 * The role definition GUIDs an RBAC-administrator condition built by `constrainedRolesCondition`
 * (components/identity/rbac-condition.ts) names, per action. Anything not in that shape reads as allowing nothing.
 */
export function conditionRoleGuids(condition: string): { write: string[]; delete: string[] } {
  const pick = (attribute: "Request" | "Resource") => {
    const match = new RegExp(`@${attribute}\\[Microsoft\\.Authorization/roleAssignments:RoleDefinitionId\\] ForAnyOfAnyValues:GuidEquals \\{([^}]*)\\}`).exec(condition);
    return match ? match[1]!.split(",").map((g) => g.trim()).filter(Boolean) : [];
  };
  return { write: pick("Request"), delete: pick("Resource") };
}
