// How a client uses the types generated from examples/operations: every operation
// is a typed document, so tsc checks the variables a call passes and every field it
// reads from the answer. Nothing here runs in CI; it only has to type-check.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { getFragmentData } from './generated';
import {
  BoardInboxDocument,
  CommitmentsPageDocument,
  DashboardDocument,
  DecisionFragmentDoc,
  NetworkEventsDocument,
  OrganisationNameFragmentDoc,
  PartyFragmentDoc,
  ProposeCommitmentDocument,
  RecordRatificationOutcomeDocument,
  type CommitmentFilter,
  type CommitmentsPageQuery,
  type RecordRatificationOutcomeMutationVariables,
} from './generated/graphql';

type GraphQLError = { message: string; extensions?: { code?: string; requestId?: string } };

/** Posts one operation to `/graphql` and returns its data, or throws its first error. */
async function execute<TData, TVariables extends Record<string, unknown>>(
  endpoint: string,
  token: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLError[] };
  const [error] = body.errors ?? [];
  if (error || body.data == null) {
    throw new Error(`${error?.extensions?.code ?? response.status}: ${error?.message ?? 'no data'}`);
  }
  return body.data;
}

/** The shape of a graphql-ws client's subscribe, typed by the document. */
declare function subscribe<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  next: (data: TData) => void,
): () => void;

export async function dashboard(endpoint: string, token: string, networkId: string) {
  const { network } = await execute(endpoint, token, DashboardDocument, { networkId, locale: 'NL' });
  // A network that does not exist and one the viewer may not see answer alike: null.
  if (!network) return null;
  const partners = network.partners.nodes.map(
    (partner) => getFragmentData(OrganisationNameFragmentDoc, partner.organisation).name,
  );
  // Health is null for staff, who may not see it.
  const critical = (network.health?.signals ?? []).filter((signal) => signal.severity === 'CRITICAL');
  const commitments = network.commitments.nodes.map((commitment) => {
    const parties = getFragmentData(PartyFragmentDoc, commitment.parties);
    // @ts-expect-error A Date arrives as its `YYYY-MM-DD` string, never as a Date object.
    commitment.dueOn satisfies Date;
    return {
      title: commitment.title,
      dueOn: commitment.dueOn,
      waitingFor: parties
        .filter((party) => !party.agreed)
        // Non-null in the schema: whoever sees a party sees its organisation.
        .map((party) => getFragmentData(OrganisationNameFragmentDoc, party.organisation).name),
    };
  });
  return { name: network.name, partners, critical, commitments };
}

export async function boardInbox(endpoint: string, token: string) {
  const { viewer } = await execute(endpoint, token, BoardInboxDocument, {});
  return getFragmentData(DecisionFragmentDoc, viewer.pendingDecisions).map((decision) => ({
    ratificationId: decision.id,
    expectedVersion: decision.version,
    // A ratification's body and commitment are never null for whoever sees it.
    body: decision.body.name,
    commitment: decision.commitment.title,
    dueOn: decision.dueOn,
  }));
}

/** Every commitment of a network, following the cursor twenty at a time. */
export async function allCommitments(endpoint: string, token: string, networkId: string, filter?: CommitmentFilter) {
  const titles: string[] = [];
  let after: string | null = null;
  for (;;) {
    // Annotated because `after` feeds back into the loop, which inference cannot follow.
    const page: CommitmentsPageQuery = await execute(endpoint, token, CommitmentsPageDocument, {
      networkId,
      after,
      ...(filter ? { filter } : {}),
    });
    const network = page.network;
    if (!network) return titles;
    for (const { node } of network.commitments.edges) {
      const approved = node.ratifications.filter((ratification) => ratification.outcome === 'APPROVED').length;
      titles.push(`${node.title} (${approved}/${node.ratifications.length} approved)`);
    }
    const { hasNextPage, endCursor } = network.commitments.pageInfo;
    if (!hasNextPage || endCursor === null) return titles;
    after = endCursor;
  }
}

export async function proposeAndApprove(endpoint: string, token: string, networkId: string, organisationId: string) {
  const { proposeCommitment } = await execute(endpoint, token, ProposeCommitmentDocument, {
    input: {
      networkId,
      title: 'Shared intake desk',
      scope: 'ORGANISATION',
      kind: 'QUICK_WIN',
      parties: [{ organisationId, contributionHours: 40 }],
      leadOrganisationId: organisationId,
      dueOn: '2027-03-01',
    },
  });
  const [ratification] = proposeCommitment.commitment.ratifications;
  if (!ratification) return proposeCommitment.commitment;
  // @ts-expect-error An outcome is one of the enum's values, not any string.
  'MAYBE' satisfies RecordRatificationOutcomeMutationVariables['outcome'];
  const { recordRatificationOutcome } = await execute(endpoint, token, RecordRatificationOutcomeDocument, {
    ratificationId: ratification.id,
    expectedVersion: 1,
    outcome: 'APPROVED_WITH_CONDITIONS',
    decidedOn: '2027-01-15',
    minutesReference: 'RvB 2027-02, item 4',
    conditions: ['Evaluate after six months'],
  });
  return recordRatificationOutcome.ratification;
}

export function watch(networkId: string) {
  return subscribe(NetworkEventsDocument, { networkId }, ({ networkEvents: event }) => {
    // A payload is any JSON: unknown until narrowed, never `any`.
    const payload = event.payload;
    // @ts-expect-error unknown has no properties until it is narrowed.
    payload.title;
    const title =
      typeof payload === 'object' && payload !== null && 'title' in payload ? String(payload.title) : undefined;
    console.log(event.kind, event.occurredAt, title);
  });
}
