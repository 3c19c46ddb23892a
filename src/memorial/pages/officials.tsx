import { CareerBody } from "../../accountability/pages.tsx";
import type { PublicOfficialView } from "../../accountability/routes.tsx";
import { Site, type PageCtx } from "./common.tsx";

/** An official's public career and involvement (built by the accountability module) in the memorial's chrome. */
export function OfficialPage({ ctx, view, personHref }: { ctx: PageCtx; view: PublicOfficialView; personHref: string | undefined }) {
  const { show } = view;
  const title = show.t("acc.official.title", { name: show.name(view.data.career.person) });
  return (
    <Site ctx={ctx} title={title} styles={["accountability.css"]}>
      <h1>{title}</h1>
      {personHref ? (
        <p>
          <a href={personHref}>{ctx.t("memorial.official.memorialPage")}</a>
        </p>
      ) : null}
      <CareerBody data={view.data} show={show} />
    </Site>
  );
}
