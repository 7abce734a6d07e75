// /saved/:id, the link a saved view is shared by: opens its view with the saved settings.
import { Navigate, useParams } from "react-router";
import { ErrorState, Loading } from "../../components/states.js";
import { useSavedView, viewLink } from "./api.js";

export default function OpenSavedView() {
  const { id = "" } = useParams();
  const view = useSavedView(id);
  if (view.isPending) return <Loading />;
  if (view.isError) return <ErrorState error={view.error} />;
  return <Navigate to={viewLink(view.data)} replace />;
}
