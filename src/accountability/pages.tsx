import type { Claim } from "../records/index.ts";
import type { Career, CommandChain, Contradiction, Ref } from "./model.ts";
import type { Show } from "./show.ts";
import { TimelineSvg } from "./timeline.tsx";
import { CareerTable, ChainSvg, ChainTable, ConsistencyLists, InvolvementTable } from "./views.tsx";

export const STYLESHEET = "/assets/accountability.css";

/** Everything a career page shows, already through its lens and presenter. */
export interface CareerPageData {
  career: Career;
  chain: CommandChain | null;
  names: Map<string, Ref>;
  claims: Map<string, Claim>;
  single: Claim[];
  contradictions: Contradiction[];
}

/** The body of a career page: timeline, posts, command chain, involvement, weaknesses. Shared by the memorial and the workspace. */
export function CareerBody({ data, show }: { data: CareerPageData; show: Show }) {
  const { career, chain } = data;
  const t = show.t;
  return (
    <>
      {career.person.synthetic ? <p class="notice synthetic">{t("acc.synthetic")}</p> : null}
      <p>{t("acc.official.lede")}</p>
      <h2>{t("acc.timeline.title")}</h2>
      <div class="acc-figure">
        <TimelineSvg career={career} show={show} />
      </div>
      <p class="acc-legend">{t("acc.timeline.legend")}</p>
      <h2>{t("acc.career.posts")}</h2>
      <div class="acc-table-wrap">
        <CareerTable postings={career.postings} later={career.laterPostingIds} show={show} />
      </div>
      {chain ? (
        <>
          <h2>{t("acc.chain.title", { date: show.date(chain.at) })}</h2>
          <div class="acc-figure">
            <ChainSvg chain={chain} show={show} />
          </div>
          <div class="acc-table-wrap">
            <ChainTable chain={chain} show={show} names={data.names} />
          </div>
        </>
      ) : null}
      <h2>{t("acc.involvement.title")}</h2>
      <div class="acc-table-wrap">
        <InvolvementTable involvements={career.involvements} show={show} mode="official" />
      </div>
      <h2>{t("acc.consistency.title")}</h2>
      <ConsistencyLists single={data.single} contradictions={data.contradictions} show={show} names={data.names} claims={data.claims} />
    </>
  );
}
